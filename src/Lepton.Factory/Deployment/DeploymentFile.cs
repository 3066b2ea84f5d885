namespace Lepton.Factory.Deployment;

/// <summary>One generated file: its name inside the output folder and its text.</summary>
public sealed record DeploymentFile(string Name, string Text);
