namespace Lepton.Cli.Tests;

/// <summary>One trained model and one LEPTON_HOME for all CLI tests, which run one after another.</summary>
[CollectionDefinition("cli")]
public sealed class CliCollection : ICollectionFixture<TrainedModelFixture>;
