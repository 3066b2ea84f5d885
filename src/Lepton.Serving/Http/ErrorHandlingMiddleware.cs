using Lepton.Registry.References;
using Lepton.Runtime;
using Lepton.Serving.Batching;
using Lepton.Serving.Models;
using Lepton.Serving.Protocol;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Lepton.Serving.Http;

/// <summary>
/// Turns every exception into the protocol's <c>{"error": "..."}</c> body: known client and capacity
/// problems keep their message and status; anything unexpected becomes a 500 that names only an incident id
/// (the details, stack trace included, go to the server log, never to the client).
/// </summary>
public sealed class ErrorHandlingMiddleware(RequestDelegate next, ILogger<ErrorHandlingMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; there is no one to answer.
        }
        catch (Exception ex)
        {
            var (status, message, retryAfter) = Classify(ex);
            if (status == 500)
            {
                string incident = Guid.NewGuid().ToString("N")[..12];
                logger.LogError(ex, "Unhandled error {Incident} on {Method} {Path}", incident, context.Request.Method, context.Request.Path);
                message = $"internal error (id {incident}); the server log has the details.";
            }
            else
            {
                logger.LogDebug("{Status} on {Method} {Path}: {Message}", status, context.Request.Method, context.Request.Path, message);
            }
            await ErrorResponses.WriteAsync(context, status, message, retryAfter);
        }
    }

    internal static (int Status, string Message, TimeSpan? RetryAfter) Classify(Exception ex) => ex switch
    {
        ProtocolException p => (p.StatusCode, p.Message, p.RetryAfter),
        BadHttpRequestException b => (b.StatusCode, b.StatusCode == 413
            ? "The request body is larger than this server's limit; send fewer rows per request or raise --max-body-bytes."
            : $"Bad request: {b.Message}", null),
        ModelNotFoundException => (404, ClientText.Scrub(ex.Message), null),
        ModelNotReadyException => (503, ClientText.Scrub(ex.Message), TimeSpan.FromSeconds(1)),
        QueueFullException q => (503, ClientText.Scrub(q.Message), q.RetryAfter),
        InferenceInputException or ModelNameException => (400, ClientText.Scrub(ex.Message), null),
        PredictorInputException => (422, ClientText.Scrub(ex.Message), null),
        _ => (500, "", null),
    };
}
