using Lepton.Cli;

// Under mpirun a rank's stdout is a pseudo-terminal that mpirun copies to its own stdout, so the terminal set-up .NET writes
// on first console use (keypad-mode escapes) would land in --json output and redirected files. A rank drives no terminal.
if (Lepton.Training.Distributed.Communicators.LaunchedByMpirun()) Environment.SetEnvironmentVariable("TERM", "dumb");

return await LeptonCommand.InvokeAsync(args);
