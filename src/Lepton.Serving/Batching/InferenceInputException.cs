namespace Lepton.Serving.Batching;

/// <summary>Inputs a model cannot take (wrong rank, shape, datatype, or more rows than the queue can ever hold); a client error.</summary>
public sealed class InferenceInputException(string message) : ArgumentException(message);
