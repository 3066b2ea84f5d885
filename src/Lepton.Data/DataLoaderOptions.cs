namespace Lepton.Data;

/// <summary>How a <see cref="DataLoader"/> batches and orders a dataset; Prefetch = 0 loads batches on the caller's thread.</summary>
public sealed record DataLoaderOptions(int BatchSize = 64, bool Shuffle = true, ulong Seed = 0, bool DropLast = false, int Prefetch = 2);
