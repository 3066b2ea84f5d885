namespace Lepton.Compression.Tuning.Distributed;

/// <summary>Where workers share a study: the PostgreSQL connection (the registry's own database) and this worker's lease settings.</summary>
public sealed record SharedStudy(string ConnectionString, SharedStudyOptions Options);
