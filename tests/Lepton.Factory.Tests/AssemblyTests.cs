namespace Lepton.Factory.Tests;

public class AssemblyTests
{
    [Fact]
    public void Factory_assembly_loads() => Assert.Equal("Lepton.Factory", typeof(FactoryAssembly).Assembly.GetName().Name);
}
