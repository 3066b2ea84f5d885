namespace Lepton.Cli.Tests;

/// <summary>Runs the <c>lepton</c> command in-process and captures what it printed.</summary>
internal static class CliRun
{
    private static readonly SemaphoreSlim Gate = new(1, 1);

    public static async Task<(int Code, string Out, string Err)> Invoke(params string[] args)
    {
        // Console redirection is process-wide, so CLI runs never overlap.
        await Gate.WaitAsync();
        var (oldOut, oldErr) = (Console.Out, Console.Error);
        var (o, e) = (new StringWriter(), new StringWriter());
        try
        {
            Console.SetOut(o);
            Console.SetError(e);
            Spectre.Console.AnsiConsole.Console = Spectre.Console.AnsiConsole.Create(new Spectre.Console.AnsiConsoleSettings
            {
                Out = new Spectre.Console.AnsiConsoleOutput(o),
                Ansi = Spectre.Console.AnsiSupport.No,
                Interactive = Spectre.Console.InteractionSupport.No,
            });
            int code = await LeptonCommand.InvokeAsync(args);
            return (code, o.ToString(), e.ToString());
        }
        finally
        {
            Console.SetOut(oldOut);
            Console.SetError(oldErr);
            Gate.Release();
        }
    }
}
