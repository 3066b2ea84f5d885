namespace Lepton.Engine.Tests;

/// <summary>
/// Test classes that change the process-wide CpuParallel.ThreadCount run one after another, so a test that checks
/// how work is cut never sees another test's count.
/// </summary>
[CollectionDefinition(Name)]
public sealed class ThreadCountCollection
{
    public const string Name = "CpuParallel.ThreadCount";
}
