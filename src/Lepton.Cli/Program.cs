using Lepton.Cli;

return await LeptonCommand.InvokeAsync(args);
