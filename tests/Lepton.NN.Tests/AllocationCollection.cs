namespace Lepton.NN.Tests;

/// <summary>
/// Tests that count a thread's managed allocations run alone: kernels rent scratch from ArrayPool.Shared, and a test
/// renting the same sizes on another thread at the same time can leave the pool empty for them.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AllocationCollection
{
    public const string Name = "allocation";
}
