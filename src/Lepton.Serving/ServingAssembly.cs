namespace Lepton.Serving;
/// <summary>Marker for the serving assembly.</summary>
public static class ServingAssembly { }
