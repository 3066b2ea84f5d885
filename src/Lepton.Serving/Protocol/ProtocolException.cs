namespace Lepton.Serving.Protocol;

/// <summary>
/// A request the server refuses, with the HTTP status to answer and a message for the client that names the
/// problem and the fix. Messages never contain stack traces or server paths.
/// </summary>
public sealed class ProtocolException(int statusCode, string message, TimeSpan? retryAfter = null) : Exception(message)
{
    public int StatusCode { get; } = statusCode;

    /// <summary>When set, the response carries a Retry-After header (queue full, rate limited).</summary>
    public TimeSpan? RetryAfter { get; } = retryAfter;

    public static ProtocolException BadRequest(string message) => new(400, message);

    public static ProtocolException NotFound(string message) => new(404, message);
}
