using Lepton.Training.Distributed;
using Lepton.Training.Worker;

// Usage: mpirun -np N dotnet Lepton.Training.Worker.dll OUT_DIR
// Trains ToyJob as one rank of N; rank 0 writes OUT_DIR/final.safetensors and the checkpoint.
if (args.Length != 1)
{
    Console.Error.WriteLine("usage: Lepton.Training.Worker OUT_DIR (run under mpirun)");
    return 2;
}
Lepton.Engine.Threading.CpuParallel.ThreadCount = 1;
using var communicator = Communicators.FromEnvironment();
var (_, history) = ToyJob.Run(communicator, args[0]);
Console.WriteLine($"rank {communicator.Rank} of {communicator.Size}: {history.Epochs.Count} epochs, loss {history.Last?.TrainLoss:R}");
return 0;
