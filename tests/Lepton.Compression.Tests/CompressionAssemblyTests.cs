using Lepton.Compression;

namespace Lepton.Compression.Tests;

public class CompressionAssemblyTests
{
    [Fact]
    public void Name_IsTheAssemblysName() =>
        Assert.Equal(CompressionAssembly.Name, typeof(CompressionAssembly).Assembly.GetName().Name);
}
