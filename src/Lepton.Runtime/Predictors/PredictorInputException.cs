namespace Lepton.Runtime;

/// <summary>
/// The model could not compute on these input values although their names, dtypes and shapes were right (an id past the
/// embedding's vocabulary, a value an ONNX graph refuses); a client error, not a server fault.
/// </summary>
public sealed class PredictorInputException(string message, Exception? inner = null) : ArgumentException(message, inner);
