using Spectre.Console;

namespace Lepton.Training.Callbacks;

/// <summary>
/// Live training progress with Spectre.Console: one bar per epoch with batch count, running loss and
/// accuracy, images/s and ETA. When output is redirected or the console is not interactive (CI logs),
/// it prints one plain line per epoch instead.
/// </summary>
public sealed class ProgressBar : ICallback, IDisposable
{
    private readonly IAnsiConsole _console;
    private readonly TextWriter _plain;
    private readonly object _gate = new();
    private Task? _render;
    private TaskCompletionSource? _done;
    private ProgressContext? _progress;
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

    public void OnTrainBegin(TrainContext context)
    {
        if (!Interactive)
        {
            _plain.WriteLine($"training {context.Epochs - context.Options.InitialEpoch} epoch(s): {context.TrainSamples:N0} examples, {context.BatchesPerEpoch:N0} batches of {context.Options.BatchSize}");
            return;
        }
        var ready = new ManualResetEventSlim();
        _done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var done = _done;
        _render = Task.Run(() => _console.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(),
                new ElapsedTimeColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async ctx =>
            {
                lock (_gate) _progress = ctx;
                ready.Set();
                await done.Task.ConfigureAwait(false);
                ctx.Refresh();
            }));
        // The display must exist before the first epoch adds its bar; a failed start falls through to no display.
        Task.WaitAny([_render, Task.Run(ready.Wait)]);
    }

    public void OnEpochBegin(TrainContext context, int epoch)
    {
        lock (_gate)
        {
            if (_progress is null) return;
            _epochTask = _progress.AddTask(Markup.Escape($"epoch {epoch}/{context.Epochs}"), maxValue: Math.Max(context.BatchesPerEpoch, 1));
        }
    }

    public void OnBatchEnd(TrainContext context, BatchMetrics metrics)
    {
        lock (_gate)
        {
            if (_epochTask is null) return;
            _epochTask.Value = metrics.Batch;
            _epochTask.Description = Markup.Escape(EpochLine.Format(metrics, context.Epochs));
        }
    }

    public void OnEpochEnd(TrainContext context, EpochRecord record)
    {
        if (!Interactive)
        {
            _plain.WriteLine(EpochLine.Format(record, context.Epochs));
            _plain.Flush();
            return;
        }
        lock (_gate)
        {
            if (_epochTask is null) return;
            _epochTask.Value = _epochTask.MaxValue;
            _epochTask.Description = Markup.Escape(EpochLine.Format(record, context.Epochs));
            _epochTask.StopTask();
            _epochTask = null;
        }
    }

    public void OnTrainEnd(TrainContext context, TrainingHistory history)
    {
        StopDisplay();
        if (history.StopReason is { } reason)
        {
            _plain.WriteLine($"stopped: {reason}");
            _plain.Flush();
        }
    }

    public void OnTrainFailed(TrainContext context, Exception error) => StopDisplay();

    private void StopDisplay()
    {
        lock (_gate)
        {
            _epochTask?.StopTask();
            _epochTask = null;
            _progress = null;
        }
        _done?.TrySetResult();
        try
        {
            _render?.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // The display failed to render (e.g. the terminal went away); training results are unaffected.
        }
        _render = null;
        _done = null;
    }

    public void Dispose() => StopDisplay();
}
