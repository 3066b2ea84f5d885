using Spectre.Console;

namespace Lepton.Cli;

/// <summary>
/// Runs a verb's body with Ctrl+C and SIGTERM turned into a cancellation (a second Ctrl+C exits at once) and
/// known failures turned into one clear line on stderr instead of a stack trace.
/// </summary>
public static class CommandRunner
{
    public const int ExitError = 1;
    public const int ExitUsage = 2;
    public const int ExitCancelled = 130;

    public static int Run(Func<CancellationToken, Task<int>> body) => Run(ct => body(ct).GetAwaiter().GetResult());

    public static int Run(Func<CancellationToken, int> body)
    {
        using var cts = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            if (cts.IsCancellationRequested) return; // second Ctrl+C: let the process end
            e.Cancel = true;
            cts.Cancel();
            Console.Error.WriteLine("lepton: stopping after the current batch (Ctrl+C again to quit at once)...");
        };
        Console.CancelKeyPress += onCancel;
        // SIGTERM (docker stop, kill, systemd) stops as gently as Ctrl+C.
        using var onTerm = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, ctx =>
        {
            if (cts.IsCancellationRequested) return;
            ctx.Cancel = true;
            cts.Cancel();
        });
        try
        {
            return body(cts.Token);
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("lepton: cancelled.");
            return ExitCancelled;
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidDataException or FileNotFoundException
                                       or DirectoryNotFoundException or KeyNotFoundException or InvalidOperationException or NotSupportedException or IOException
                                       || ex.GetType().Namespace?.StartsWith("Lepton.", StringComparison.Ordinal) == true)
        {
            return Fail(ex.Message, ex is ArgumentException ? ExitUsage : ExitError, ex);
        }
        catch (Exception ex)
        {
            return Fail($"unexpected {ex.GetType().Name}: {ex.Message}", ExitError, ex);
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    private static int Fail(string message, int code, Exception ex)
    {
        AnsiConsole.Console.Profile.Out.Writer.Flush();
        Console.Error.WriteLine($"lepton: error: {message}");
        if (Environment.GetEnvironmentVariable("LEPTON_DEBUG") == "1") Console.Error.WriteLine(ex);
        else Console.Error.WriteLine("(set LEPTON_DEBUG=1 for details)");
        return code;
    }
}
