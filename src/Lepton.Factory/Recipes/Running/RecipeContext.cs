using System.Text.Json.Nodes;
using Lepton.Registry;
using Lepton.Training.Callbacks;

namespace Lepton.Factory.Recipes.Running;

/// <summary>
/// What a step works with: the recipe, the registry, the folder the recipe's files go to, who is acting, the outputs of
/// the steps before it (run now or reused from an earlier run), callbacks for training progress, and a line log.
/// </summary>
public sealed class RecipeContext(Recipe recipe, ModelRegistry registry, string workDirectory, string actor)
{
    private readonly Dictionary<string, JsonObject> _outputs = new(StringComparer.Ordinal);

    public Recipe Recipe { get; } = recipe;

    public ModelRegistry Registry { get; } = registry;

    /// <summary>The recipe's own folder, <c>$LEPTON_HOME/recipes/&lt;name&gt;</c>.</summary>
    public string WorkDirectory { get; } = workDirectory;

    public string Actor { get; } = actor;

    /// <summary>Training callbacks (the CLI's progress bar) handed to the train step.</summary>
    public IReadOnlyList<ICallback> TrainingCallbacks { get; init; } = [];

    /// <summary>Receives one line per thing a step did, for people to read.</summary>
    public Action<string> Log { get; init; } = _ => { };

    /// <summary>The outputs of the earlier step <paramref name="step"/>; an error naming the order when it has not run.</summary>
    public JsonObject Outputs(string step) => _outputs.TryGetValue(step, out var o)
        ? o
        : throw new InvalidOperationException($"Recipe step '{step}' has no outputs yet; it must come before the steps that read them.");

    public bool HasOutputs(string step) => _outputs.ContainsKey(step);

    /// <summary>The training section as the workflow's recipe, on the data set version the data step recorded (images) or Fashion-MNIST.</summary>
    public Training.Workflows.ImageClassifierRecipe TrainingRecipe() => Recipe.Training.ToImageClassifierRecipe(Recipe.Data, Recipe.Model,
        Recipe.Data.IsImages ? Outputs("data")["dataset_ref"]!.GetValue<string>() : null);

    /// <summary>The trained model's outputs (model_dir, run_id, dataset_ref, test_accuracy): the tune step's best trial, or the train step's run.</summary>
    public JsonObject Trained() => HasOutputs("tune") ? Outputs("tune") : Outputs("train");

    /// <summary>
    /// The model that goes on to the registry: the intervals step's when the recipe fits prediction sets, else the calibrate step's when it
    /// calibrates, else the compress step's when it kept the compressed one, else the trained one.
    /// </summary>
    public JsonObject Final() => HasOutputs("intervals") ? Outputs("intervals") : Calibrated();

    /// <summary>The model prediction sets are fitted for: the calibrate step's, else the compress step's when it kept the compressed one, else the trained one.</summary>
    public JsonObject Calibrated() =>
        HasOutputs("calibrate") ? Outputs("calibrate")
        : HasOutputs("compress") && Outputs("compress")["kept"]?.GetValue<string>() == "int8" ? Outputs("compress") : Trained();

    internal void SetOutputs(string step, JsonObject outputs) => _outputs[step] = outputs;
}
