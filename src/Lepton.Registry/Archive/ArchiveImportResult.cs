namespace Lepton.Registry.Archive;

/// <summary>What an import changed; a second import of the same archive reports only skips.</summary>
public sealed record ArchiveImportResult(
    IReadOnlyList<string> Models,
    int ArtifactsWritten,
    int VersionsImported,
    int VersionsSkipped,
    int RunsImported,
    int DatasetVersionsImported,
    int AliasMoves);
