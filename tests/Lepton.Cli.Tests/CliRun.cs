namespace Lepton.Cli.Tests;

/// <summary>Runs the <c>lepton</c> command in-process and captures what it printed.</summary>
internal static class CliRun
{
    private static readonly SemaphoreSlim Gate = new(1, 1);

    /// <summary>Runs <paramref name="args"/> and asserts the command failed saying <paramref name="says"/> (whitespace runs read as one space).</summary>
    public static async Task Refused(string says, params string[] args)
    {
        var (code, stdout, err) = await Invoke(args);
        Assert.True(code != 0, $"lepton {string.Join(' ', args)} succeeded: {stdout}");
        Assert.Contains(says, System.Text.RegularExpressions.Regex.Replace(err, "\\s+", " "));
    }

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
