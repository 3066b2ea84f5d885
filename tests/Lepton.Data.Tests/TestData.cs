using Lepton.Engine;

namespace Lepton.Data.Tests;

/// <summary>Small datasets and temp folders shared by the tests.</summary>
internal static class TestData
{
    /// <summary>N examples of shape (2,3) whose values encode the example index, with labels i % classes.</summary>
    public static InMemoryDataset Indexed(int n, int classes = 3)
    {
        var x = new float[n * 6];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < 6; j++) x[i * 6 + j] = i * 10 + j;
        var y = new int[n];
        for (int i = 0; i < n; i++) y[i] = i % classes;
        var names = Enumerable.Range(0, classes).Select(c => $"c{c}").ToArray();
        return new InMemoryDataset(Tensor.FromArray(x, n, 2, 3), Tensor.FromArray(y, n), names);
    }

    /// <summary>The example indices in a batch made from <see cref="Indexed"/>.</summary>
    public static int[] IndicesOf(Batch batch)
    {
        var v = batch.Inputs.ToArray();
        return Enumerable.Range(0, batch.Count).Select(i => (int)(v[i * 6] / 10)).ToArray();
    }

    public static string TempDir()
    {
        var dir = Path.Combine(Path.GetTempPath(), "lepton-data-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>The Fixtures folder next to the test assembly (copied there by the csproj).</summary>
    public static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);
}
