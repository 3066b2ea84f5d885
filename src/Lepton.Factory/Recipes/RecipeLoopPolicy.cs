using Lepton.Factory.Loop;

namespace Lepton.Factory.Recipes;

/// <summary>The closed loop's policy as a recipe declares it: its <c>loop:</c>, <c>gates:</c>, <c>serve.canary</c> and <c>data:</c> sections.</summary>
public static class RecipeLoopPolicy
{
    public static LoopPolicy ToLoopPolicy(this Recipe recipe) => new()
    {
        Model = recipe.Name,
        Mode = recipe.Loop.Mode,
        Epochs = recipe.Loop.Epochs,
        MinFeedback = recipe.Loop.MinFeedback,
        FeedbackHoldoutFraction = recipe.Loop.FeedbackHoldout,
        CanaryWindow = recipe.Loop.CanaryDuration,
        Margin = recipe.Gates.Margin,
        MinAccuracy = recipe.Gates.MinAccuracy ?? 0,
        MaxClassRecallDrop = recipe.Gates.MaxClassRecallDrop,
        Groups = recipe.Gates.Groups,
        CanaryFraction = recipe.Serve.Canary?.Fraction ?? 0.1,
        StagingAlias = recipe.Serve.Canary?.Alias ?? "staging",
        // An image recipe's data step imports the folder as data set `name` (default: the recipe's name); its newest version is the base.
        // A table champion's own data set version is its base (ClosedLoop.Tables); the name is recorded for people.
        BaseData = recipe.Data.IsImages || recipe.Data.IsTable ? recipe.Data.Name ?? recipe.Name : recipe.Data.Source,
        DataDir = recipe.Data.Dir,
        Seed = recipe.Training.Seed,
        BatchSize = recipe.Training.BatchSize,
    };

    /// <summary>How often a watching loop runs on its own: the schedule's interval, or null when only alerts (or people) trigger it.</summary>
    public static TimeSpan? Schedule(this Recipe recipe) => recipe.Loop.Trigger == LoopTriggerKind.Schedule ? recipe.Loop.Every : null;
}
