namespace Lepton.Registry.Store;

/// <summary>The store could not be opened (server unreachable, login refused, file unusable); the message says what to fix.</summary>
public sealed class RegistryStoreUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
