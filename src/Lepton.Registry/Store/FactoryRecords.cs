namespace Lepton.Registry.Store;

/// <summary>
/// One decision of the closed loop (retrain, evaluate, promote to staging, canary verdict, keep the champion), with the
/// numbers it was based on as JSON and a sentence saying why, so every model change can be explained afterwards.
/// </summary>
public sealed record LoopDecisionRecord(
    long Id,
    string Model,
    DateTimeOffset At,
    string Step,
    string Decision,
    int? ChampionVersion,
    int? ChallengerVersion,
    string Reason,
    string NumbersJson,
    string Actor);

/// <summary>What a new loop decision records; the store assigns the id and the time.</summary>
public sealed record NewLoopDecision(
    string Model,
    string Step,
    string Decision,
    int? ChampionVersion,
    int? ChallengerVersion,
    string Reason,
    string NumbersJson,
    string Actor);

/// <summary>A monitoring alert that fired: the rule as written, the observed value, the threshold and a readable message.</summary>
public sealed record AlertEventRecord(
    long Id,
    string Model,
    int? Version,
    string Rule,
    double Value,
    double Threshold,
    string Message,
    DateTimeOffset FiredAt);

/// <summary>The state of one step of a recipe run, kept so <c>lepton run</c> resumes without redoing finished steps.</summary>
public enum RecipeStepStatus
{
    Running,
    Completed,
    Failed,
}

/// <summary>One step of a recipe (keyed by the recipe's id and the step name) with its outputs as JSON.</summary>
public sealed record RecipeStepRecord(string Recipe, string Step, RecipeStepStatus Status, string OutputJson, DateTimeOffset UpdatedAt);

/// <summary>A logged prediction joined with the true label a client sent for it.</summary>
public sealed record LabeledPrediction(PredictionRecord Prediction, FeedbackRecord Feedback);
