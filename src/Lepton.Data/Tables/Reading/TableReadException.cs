namespace Lepton.Data.Tables.Reading;

/// <summary>A table file that cannot be read as given: the message names the file (and row and column where known) and the fix.</summary>
public sealed class TableReadException(string message, Exception? inner = null) : Exception(message, inner);
