namespace Lepton.Monitoring.Tests;

public class AssemblyTests
{
    [Fact]
    public void Monitoring_assembly_loads() => Assert.Equal("Lepton.Monitoring", typeof(MonitoringAssembly).Assembly.GetName().Name);
}
