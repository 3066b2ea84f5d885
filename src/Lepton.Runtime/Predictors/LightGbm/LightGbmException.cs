namespace Lepton.Runtime.LightGbm;

/// <summary>A LightGBM C API call failed; the message names the call and carries LightGBM's own error text.</summary>
public sealed class LightGbmException : Exception
{
    public LightGbmException(string call, string error)
        : base($"LightGBM {call} failed: {error}")
    {
        Call = call;
        Error = error;
    }

    public LightGbmException()
    {
        Call = Error = "";
    }

    public LightGbmException(string message)
        : base(message)
    {
        Call = Error = "";
    }

    public LightGbmException(string message, Exception innerException)
        : base(message, innerException)
    {
        Call = Error = "";
    }

    /// <summary>The C API function that failed, e.g. <c>LGBM_BoosterCreate</c>.</summary>
    public string Call { get; }

    /// <summary>LightGBM's text from <c>LGBM_GetLastError</c>.</summary>
    public string Error { get; }
}
