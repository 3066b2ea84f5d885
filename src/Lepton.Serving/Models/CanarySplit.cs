namespace Lepton.Serving.Models;

/// <summary>
/// Deterministic traffic split: request n (counting from 0) goes to the canary when floor((n+1)f) &gt; floor(nf),
/// so every window of requests sends the canary its fraction to within one request, with no random draw to seed.
/// </summary>
internal sealed class CanarySplit(double fraction)
{
    private long _requests;

    public double Fraction { get; } = fraction;

    /// <summary>True when this request goes to the canary. Thread-safe.</summary>
    public bool NextIsCanary()
    {
        if (Fraction <= 0) return false;
        if (Fraction >= 1) return true;
        long n = Interlocked.Increment(ref _requests) - 1;
        return Math.Floor((n + 1) * Fraction) > Math.Floor(n * Fraction);
    }
}
