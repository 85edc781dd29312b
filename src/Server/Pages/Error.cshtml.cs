using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LogControl.Server.Pages;

/// <summary>The browser's page for an error status (re-executed by the status-code pages); the status code stays.</summary>
[Microsoft.AspNetCore.Mvc.IgnoreAntiforgeryToken] // re-executed for a refused POST too
public sealed class ErrorModel : PageModel
{
    public void OnPost(int code) => OnGet(code);

    public string Title { get; private set; } = "";
    public string Text { get; private set; } = "";

    public void OnGet(int code) => (Title, Text) = code switch
    {
        403 => ("Ej behörig", "Din roll eller dina enheter ger inte tillgång till den här sidan."),
        404 => ("Sidan hittades inte", "Det du sökte finns inte, eller så har adressen ändrats."),
        400 => ("Felaktig begäran", "Uppgifterna kunde inte tolkas."),
        _ => ("Något gick fel", $"Servern svarade med kod {code}."),
    };
}
