using OnlineRec.Core.Training;
using OnlineRec.Lab.Evaluation;

namespace OnlineRec.Lab.Tests.Evaluation;

public sealed class AlgorithmCatalogTests
{
    [Fact]
    public void Factor_override_reaches_both_phases_of_als_then_sgd()
    {
        var trainer = (AlsSgdTrainer)AlgorithmCatalog.Create(AlgorithmCatalog.AlsSgd, new AlgorithmSettings { Factors = 12, Iterations = 3, Epochs = 4 });

        Assert.Equal(12, trainer.Options.Als.Factors);
        Assert.Equal(12, trainer.Options.Sgd.Factors);
        Assert.Equal(3, trainer.Options.Als.Iterations);
        Assert.Equal(4, trainer.Options.Sgd.Epochs);
    }

    [Fact]
    public void Options_an_algorithm_does_not_use_are_named()
    {
        Assert.Equal(["--learning-rate"], AlgorithmCatalog.Ignored(AlgorithmCatalog.Bpmf, new AlgorithmSettings { LearningRate = 0.1f, Samples = 3 }));
    }
}
