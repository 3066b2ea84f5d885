namespace Lepton.Factory.Simulation;

/// <summary>
/// The labelled examples a <see cref="TrafficSimulator"/> sends: how many, the true class of each, and the JSON body of
/// <c>/models/{model}/predict</c> that carries one of them.
/// </summary>
public interface ITrafficSource
{
    IReadOnlyList<string> ClassNames { get; }

    int Count { get; }

    /// <summary>The class id of example <paramref name="example"/>.</summary>
    int Label(int example);

    /// <summary>The request body for one example, changed by <paramref name="drift"/> where the source's inputs can drift that way.</summary>
    string RequestBody(int example, ImageDrift drift);
}
