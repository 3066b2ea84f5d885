using Lepton.Compression.Tuning.Distributed;
using Lepton.Compression.Tuning.Running;
using Lepton.Compression.Tuning.Space;
using Lepton.Training.Workflows;

namespace Lepton.Compression.Tuning;

/// <summary>
/// A hyperparameter search: the data (an image or table data set version, fashion-mnist, or a tensor folder), the fixed
/// training options every trial starts from (<see cref="Base"/>: model preset, batch size, validation split, seed, ...), the
/// space, the study's settings, the name to register the best model as, and the CPU threads to divide among parallel trials
/// (0: all the engine has); <see cref="Shared"/> makes this process one worker of a study shared through PostgreSQL.
/// </summary>
public sealed record TuneRequest(ImageClassifierRecipe Base, SearchSpace Space, StudyOptions Study, string? RegisterAs = null, int Threads = 0,
    SharedStudy? Shared = null);
