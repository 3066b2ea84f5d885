namespace Lepton.Factory;

/// <summary>Marks the factory assembly: recipes run step by step, and the closed loop from feedback to a promoted challenger.</summary>
public static class FactoryAssembly;
