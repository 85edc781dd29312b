using LogControl.Cli;

return await LogCtl.RunAsync(args);
