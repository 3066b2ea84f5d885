using Lepton.NN;
using Lepton.NN.Layers;

namespace Lepton.Runtime.Tables;

/// <summary>
/// The <c>Exp</c> a log-link table regressor (Poisson, gamma, Tweedie) ends in when saved as a Lepton network: the served network
/// answers μ, while training, contributions and raw scores work on the chain before it, whose output is log μ.
/// </summary>
public static class InverseLink
{
    /// <summary>The network to save: <paramref name="chain"/> then <c>Exp</c> for a log link, else the chain itself.</summary>
    public static Sequential Append(Sequential chain, bool logLink)
    {
        ArgumentNullException.ThrowIfNull(chain);
        return logLink ? new Sequential([.. Enumerable.Range(0, chain.Count).Select(i => chain[i]), new Exp()]) : chain;
    }

    /// <summary>The chain of a loaded network (its trailing <c>Exp</c> removed for a log link); null when a log-link network lacks it.</summary>
    public static Sequential? Strip(Module network, bool logLink)
    {
        if (network is not Sequential seq) return null;
        if (!logLink) return seq;
        return seq.Count > 1 && seq[seq.Count - 1] is Exp ? new Sequential([.. Enumerable.Range(0, seq.Count - 1).Select(i => seq[i])]) : null;
    }
}
