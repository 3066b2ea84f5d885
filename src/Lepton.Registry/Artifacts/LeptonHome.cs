namespace Lepton.Registry.Artifacts;

/// <summary>Where Lepton keeps its state: <c>LEPTON_HOME</c>, default <c>./.lepton</c>.</summary>
public static class LeptonHome
{
    public static string Resolve() =>
        Environment.GetEnvironmentVariable("LEPTON_HOME") is { Length: > 0 } home
            ? Path.GetFullPath(home)
            : Path.Combine(Environment.CurrentDirectory, ".lepton");

    /// <summary>The default artifact folder, <c>LEPTON_HOME/artifacts</c>.</summary>
    public static string Artifacts => Path.Combine(Resolve(), "artifacts");

    /// <summary>Materialized model folders, <c>LEPTON_HOME/cache/models</c>.</summary>
    public static string ModelCache => Path.Combine(Resolve(), "cache", "models");
}
