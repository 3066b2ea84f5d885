namespace Lepton.Engine;

/// <summary>
/// An index tensor holds a value outside the axis it indexes (an id past an embedding's rows); the values are wrong, not the
/// code, so callers that take ids from outside (servers) can answer it as the sender's error.
/// </summary>
public sealed class IndexValueException(string message) : ArgumentException(message);
