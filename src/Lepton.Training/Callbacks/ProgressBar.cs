using Spectre.Console;

namespace Lepton.Training.Callbacks;

/// <summary>
/// Training progress. On an interactive terminal, a Spectre.Console live bar for the current epoch
/// (batch x/y, running loss and accuracy, images/s, ETA), replaced by a summary line when the epoch
/// ends. When output is redirected or the console is not interactive (CI logs), one plain line per epoch.
/// </summary>
public sealed class ProgressBar : ICallback, IDisposable
{
    private readonly IAnsiConsole _console;
    private readonly TextWriter _plain;
    private readonly object _gate = new();
    private readonly MetricsColumn _metrics = new();
    private Task? _render;
    private TaskCompletionSource? _done;
    private ProgressTask? _epochTask;

    /// <param name="console">Where the live display renders; the default console when null.</param>
    /// <param name="interactive">Forces live (true) or plain (false) output; detected when null.</param>
    /// <param name="plainOutput">Where plain lines go; standard output when null.</param>
    public ProgressBar(IAnsiConsole? console = null, bool? interactive = null, TextWriter? plainOutput = null)
    {
        _console = console ?? AnsiConsole.Console;
        _plain = plainOutput ?? Console.Out;
        Interactive = interactive ?? (!Console.IsOutputRedirected && _console.Profile.Capabilities.Interactive);
    }

    /// <summary>True when the live display is used, false for plain lines.</summary>
    public bool Interactive { get; }

    public void OnTrainBegin(TrainContext context) =>
        WriteLine($"training {context.Epochs - context.Options.InitialEpoch} epoch(s): {context.TrainSamples:N0} examples, {context.BatchesPerEpoch:N0} batches of {context.Options.BatchSize}");

    public void OnEpochBegin(TrainContext context, int epoch)
    {
        if (!Interactive) return;
        _metrics.Text = "";
        StartLive($"epoch {epoch}/{context.Epochs}", context.BatchesPerEpoch);
    }

    public void OnBatchEnd(TrainContext context, BatchMetrics m)
    {
        if (!Interactive) return;
        _metrics.Text = string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"{m.Batch}/{m.BatchesPerEpoch} loss {m.RunningLoss:F4}{(m.RunningAccuracy is { } a ? $" acc {a * 100:F1}%" : "")} {m.SamplesPerSecond:N0} img/s");
        lock (_gate)
        {
            if (_epochTask is not null) _epochTask.Value = m.Batch;
        }
    }

    public void OnEpochEnd(TrainContext context, EpochRecord record)
    {
        lock (_gate)
        {
            if (_epochTask is not null) _epochTask.Value = _epochTask.MaxValue;
        }
        StopLive();
        WriteLine(EpochLine.Format(record, context.Epochs));
    }

    public void OnTrainEnd(TrainContext context, TrainingHistory history)
    {
        StopLive();
        if (history.StopReason is { } reason) WriteLine($"stopped: {reason}");
    }

    public void OnTrainFailed(TrainContext context, Exception error) => StopLive();

    public void Dispose() => StopLive();

    private void WriteLine(string line)
    {
        if (Interactive)
        {
            _console.WriteLine(line);
            return;
        }
        _plain.WriteLine(line);
        _plain.Flush();
    }

    private void StartLive(string description, int batches)
    {
        var ready = new ManualResetEventSlim();
        var done = _done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _render = Task.Run(() => _console.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn { Width = 12 }, _metrics,
                new RemainingTimeColumn())
            .StartAsync(async ctx =>
            {
                lock (_gate) _epochTask = ctx.AddTask(Markup.Escape(description), maxValue: Math.Max(batches, 1));
                ready.Set();
                await done.Task.ConfigureAwait(false);
                lock (_gate) _epochTask = null;
            }));
        // Wait until the bar exists; if the display fails to start, training goes on without it.
        Task.WaitAny([_render, Task.Run(ready.Wait)]);
    }

    private void StopLive()
    {
        _done?.TrySetResult();
        try
        {
            _render?.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // The display failed to render (e.g. the terminal went away); training results are unaffected.
        }
        lock (_gate) _epochTask = null;
        _render = null;
        _done = null;
    }

    /// <summary>A progress column showing the latest batch metrics text.</summary>
    private sealed class MetricsColumn : ProgressColumn
    {
        private volatile string _text = "";

        public string Text
        {
            get => _text;
            set => _text = value;
        }

        protected override bool NoWrap => true;

        public override Spectre.Console.Rendering.IRenderable Render(Spectre.Console.Rendering.RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
            new Text(_text);
    }
}
