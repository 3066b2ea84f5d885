using System.Globalization;
using Lepton.Training.Classic.Auto;

namespace Lepton.Cli.Rendering;

/// <summary>
/// Shows <c>--model auto</c>'s search as it goes, on stderr: each fold on one rewritten line where stderr is a terminal, and one
/// line per candidate once its folds are done (its mean score and the time so far), so a minute-long search is not silent.
/// Reported synchronously from the searching thread, so lines keep their order.
/// </summary>
internal sealed class AutoSearchProgress : IProgress<TabularAutoProgress>
{
    private readonly bool _terminal = !Console.IsErrorRedirected;
    private double _sum;

    public void Report(TabularAutoProgress value)
    {
        _sum = value.FoldsDone == 1 ? value.FoldScore : _sum + value.FoldScore;
        string elapsed = value.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture);
        if (value.FoldsDone < value.Folds)
        {
            if (_terminal) Console.Error.Write($"\r{value.Search} {value.Index}/{value.Candidates}: {value.Candidate}, fold {value.FoldsDone}/{value.Folds} ({elapsed} s)   ");
            return;
        }
        string mean = Data.NumberText.Readable(value.CandidateScore ?? _sum / value.Folds);
        // On a terminal the line overwrites the fold line, padded past its end.
        string line = $"{value.Search} {value.Index}/{value.Candidates}: {value.Candidate} cross-validated {mean} ({elapsed} s)";
        Console.Error.WriteLine(_terminal ? $"\r{line,-60}" : line);
    }
}
