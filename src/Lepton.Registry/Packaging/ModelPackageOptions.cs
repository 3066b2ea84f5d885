using Lepton.Registry.Artifacts;

namespace Lepton.Registry.Packaging;

/// <summary>Bounds on a stored model folder and where materialized copies are cached (default <c>LEPTON_HOME/cache/models</c>).</summary>
public sealed record ModelPackageOptions(long MaxTotalBytes = 16L << 30, int MaxFiles = 256, string? CacheRoot = null)
{
    public string ResolvedCacheRoot => CacheRoot ?? LeptonHome.ModelCache;
}
