using Lepton.Factory.Loop;
using Lepton.Factory.Simulation;
using Lepton.Registry;

namespace Lepton.Cli.Demo;

/// <summary>
/// What <see cref="FactoryDemo"/> runs on, for one kind of data: the imported data set, how the champion is trained, the
/// simulated client's normal and drifted traffic, and the loop's policy for that data. The demo's steps are the same for all.
/// </summary>
internal interface IDemoWorkload
{
    /// <summary>The registered model's name.</summary>
    string Model { get; }

    /// <summary>One line on the imported data set version.</summary>
    string Description { get; }

    /// <summary>The champion's preset and epochs, e.g. "cnn, 1 epoch".</summary>
    string ChampionSummary { get; }

    /// <summary>How the drifted traffic differs, e.g. "images washed out and brighter, mostly tops".</summary>
    string DriftSummary { get; }

    /// <summary>Trains the champion into <paramref name="folder"/> with its run recorded and registers it as <see cref="Model"/>.</summary>
    Task<DemoChampion> TrainChampionAsync(ModelRegistry registry, string folder, string actor, CancellationToken ct);

    /// <summary>A client sending the normal examples, or the drifted ones.</summary>
    TrafficSimulator Client(HttpClient http, bool drifted);

    /// <summary>How many requests, which drift and class mix, and how much feedback a traffic phase sends.</summary>
    TrafficOptions Traffic(int requests, double feedbackFraction, bool drifted, ulong seed);

    /// <summary>The loop policy for this data, on top of the demo's canary settings in <paramref name="common"/>.</summary>
    LoopPolicy Policy(LoopPolicy common, DemoOptions options);
}

/// <summary>The registered champion: its version, test accuracy and training run.</summary>
internal sealed record DemoChampion(int Version, double TestAccuracy, string RunId);
