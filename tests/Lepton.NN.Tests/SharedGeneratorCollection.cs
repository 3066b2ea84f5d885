namespace Lepton.NN.Tests;

/// <summary>
/// Tests that reset LayerDefaults' shared generator run alone: a layer built without an rng on another thread
/// between the reset and the test's own layers would advance the stream and change what the test sees.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SharedGeneratorCollection
{
    public const string Name = "shared-generator";
}
