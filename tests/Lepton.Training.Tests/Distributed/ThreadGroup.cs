using Lepton.Training.Distributed;

namespace Lepton.Training.Tests.Distributed;

/// <summary>
/// N communicators for N threads of one test process: a stand-in for mpirun that needs no MPI. Sums run in rank order,
/// so results are deterministic. A rank that stops calling makes the others time out instead of hanging the test run.
/// </summary>
internal sealed class ThreadGroup
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly Barrier _barrier;
    private readonly Array?[] _slots;

    private ThreadGroup(int size)
    {
        _barrier = new Barrier(size);
        _slots = new Array?[size];
    }

    /// <summary>Runs <paramref name="body"/> once per rank on its own thread and returns the results in rank order.</summary>
    public static T[] Run<T>(int size, Func<Member, T> body)
    {
        var group = new ThreadGroup(size);
        var tasks = Enumerable.Range(0, size)
            .Select(r => Task.Factory.StartNew(() => body(new Member(group, r, size)), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default))
            .ToArray();
        Task.WaitAll(tasks);
        return tasks.Select(t => t.Result).ToArray();
    }

    // Every rank's values, in rank order; the second barrier keeps a fast rank's next call from replacing a slot still unread.
    private T[][] Exchange<T>(int rank, ReadOnlySpan<T> values)
    {
        _slots[rank] = values.ToArray();
        Wait();
        var all = _slots.Select(s => (T[])s!).ToArray();
        Wait();
        int length = values.Length;
        if (all.Any(a => a.Length != length))
            throw new InvalidOperationException($"ThreadGroup: ranks passed {string.Join(", ", all.Select(a => a.Length))} values to one collective.");
        return all;
    }

    private void Wait()
    {
        if (!_barrier.SignalAndWait(Timeout))
            throw new TimeoutException("ThreadGroup: a rank did not reach the collective within 30 s (the ranks made different calls).");
    }

    internal sealed class Member(ThreadGroup group, int rank, int size) : ICommunicator
    {
        public int Rank => rank;

        public int Size => size;

        /// <summary>Collectives this rank has joined.</summary>
        public int Calls { get; private set; }

        public void AllReduceSum(Span<float> values)
        {
            Calls++;
            var all = group.Exchange<float>(rank, values);
            for (int i = 0; i < values.Length; i++)
            {
                float s = 0;
                foreach (var a in all) s += a[i];
                values[i] = s;
            }
        }

        public void AllReduceSum(Span<double> values)
        {
            Calls++;
            var all = group.Exchange<double>(rank, values);
            for (int i = 0; i < values.Length; i++)
            {
                double s = 0;
                foreach (var a in all) s += a[i];
                values[i] = s;
            }
        }

        public void Broadcast(Span<float> values, int root = 0)
        {
            Calls++;
            group.Exchange<float>(rank, values)[root].CopyTo(values);
        }

        public void Broadcast(Span<double> values, int root = 0)
        {
            Calls++;
            group.Exchange<double>(rank, values)[root].CopyTo(values);
        }

        public void Barrier()
        {
            Calls++;
            group.Wait();
        }

        public void Dispose() { }
    }
}
