using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;

namespace LogControl.Server.Security;

/// <summary>
/// The OpenAPI document at /openapi/v1.json (open, for tools), with the bearer scheme and, for HTTP ingest, the
/// API key scheme; each operation names the scheme it needs, or none when it is anonymous.
/// </summary>
public static class OpenApiSetup
{
    public const string DocumentPath = "/openapi/v1.json";
    public const string BearerScheme = "Bearer";
    public const string ApiKeyScheme = "ApiKey";

    public static void AddLogControlOpenApi(this IServiceCollection services) =>
        services.AddOpenApi("v1", o =>
        {
            o.AddDocumentTransformer((document, _, _) =>
            {
                document.Info.Title = "LogControl API";
                document.Info.Description = "Access-log control for municipal elder care. Get a bearer token from POST /api/auth/token "
                    + "(or the configured identity provider); HTTP ingest uses a source system's API key.";
                document.Components ??= new OpenApiComponents();
                document.Components.Schemas?.Remove("IResult"); // see DropOpaqueResults
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http, Scheme = "bearer", BearerFormat = "JWT",
                    Description = "A token from POST /api/auth/token or from the configured identity provider.",
                };
                document.Components.SecuritySchemes[ApiKeyScheme] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.ApiKey, In = ParameterLocation.Header, Name = "X-Api-Key",
                    Description = "A source system's key from `logctl sources add` (HTTP ingest only).",
                };
                return Task.CompletedTask;
            });
            o.AddOperationTransformer((operation, context, _) =>
            {
                DropOpaqueResults(operation);
                var metadata = context.Description.ActionDescriptor.EndpointMetadata;
                var scheme = metadata.OfType<ApiKeyAuthentication>().Any() ? ApiKeyScheme
                    : metadata.OfType<IAllowAnonymous>().Any() ? null
                    : BearerScheme;
                if (scheme != null)
                {
                    operation.Security ??= [];
                    operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(scheme, context.Document)] = [] });
                    operation.Responses ??= [];
                    operation.Responses.TryAdd("401", new OpenApiResponse { Description = "Missing or invalid credentials (problem details)" });
                }
                if (metadata.OfType<IAuthorizeData>().Any(a => a.Policy != null || a.Roles != null))
                    operation.Responses!.TryAdd("403", new OpenApiResponse { Description = "The caller's role does not allow this (problem details)" });
                return Task.CompletedTask;
            });
        });

    /// <summary>
    /// An endpoint returning IResult is described as "200: IResult", which tells a client nothing: drop it when the
    /// endpoint declares its real success answer, else keep the 200 without a body schema.
    /// </summary>
    private static void DropOpaqueResults(OpenApiOperation operation)
    {
        if (operation.Responses == null) return;
        foreach (var (code, response) in operation.Responses.ToList())
        {
            if (response.Content?.Values.Any(c => c.Schema is OpenApiSchemaReference { Reference.Id: "IResult" }) != true) continue;
            if (operation.Responses.Keys.Any(k => k != code && k.StartsWith('2'))) operation.Responses.Remove(code);
            else response.Content.Clear();
        }
    }

    public static void MapLogControlOpenApi(this IEndpointRouteBuilder app) =>
        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
}
