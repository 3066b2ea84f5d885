namespace Lepton.Serving.Tests;
public class ProjectTests { [Fact] public void AssemblyLoads() => Assert.Equal("Lepton.Serving", typeof(ServingAssembly).Assembly.GetName().Name); }
