using Lepton.Data.Images.Import;

namespace Lepton.Cli.Rendering;

/// <summary>
/// Import progress on standard error: on a terminal one line rewritten in place (stage, files, percent, images/s, MB read);
/// in logs a line per tenth of each stage; nothing with <c>--json</c> quiet mode.
/// </summary>
public sealed class ImportProgressView(bool quiet) : IProgress<ImportProgress>, IDisposable
{
    private readonly bool _live = !quiet && !Console.IsErrorRedirected;
    private readonly object _gate = new();
    private string _stage = "";
    private int _lastTenth = -1;
    private bool _open;

    public void Report(ImportProgress p)
    {
        if (quiet) return;
        lock (_gate)
        {
            int percent = p.FilesTotal == 0 ? 100 : (int)(100L * p.FilesDone / p.FilesTotal);
            string line = string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"{p.Stage,-8} {Bar(percent)} {p.FilesDone:N0}/{p.FilesTotal:N0} ({percent}%)  {p.ImagesPerSecond:N0} img/s  {p.BytesDone / 1e6:N1} MB");
            if (_live)
            {
                if (p.Stage != _stage && _open) Console.Error.WriteLine();
                Console.Error.Write("\r" + line);
                _open = true;
            }
            else if (p.Stage != _stage || percent / 10 != _lastTenth)
            {
                Console.Error.WriteLine(line);
            }
            _stage = p.Stage;
            _lastTenth = percent / 10;
        }
    }

    private static string Bar(int percent)
    {
        int filled = Math.Clamp(percent / 5, 0, 20);
        return "[" + new string('#', filled) + new string('.', 20 - filled) + "]";
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_open) Console.Error.WriteLine();
            _open = false;
        }
    }
}
