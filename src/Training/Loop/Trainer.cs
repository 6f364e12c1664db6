using System.Diagnostics;
using VaePipeline.Data;
using VaePipeline.Model;
using VaePipeline.Numerics;
using VaePipeline.Training.Checkpoints;
using VaePipeline.Training.Model;

namespace VaePipeline.Training.Loop;

public enum TrainingOutcome { Completed, Interrupted }

/// <summary>Training stopped on purpose: a non-finite loss. The last checkpoint on disk is left as it was.</summary>
public sealed class TrainingDivergedException(string message) : Exception(message);

/// <summary>
/// The training loop, in the order pytorch/examples' vae/main.py reads: shuffle, batch, forward, backward, Adam;
/// test ELBO and a checkpoint every epoch (or every <see cref="TrainingOptions.EvalEvery"/> steps).
/// All randomness is keyed by (seed, step), so the loop's whole state is the step counter plus the buffers.
/// </summary>
public sealed class Trainer : IDisposable
{
    private readonly VaeConfig _config;
    private readonly TrainingOptions _options;
    private readonly MnistSplit _test;
    private readonly int _trainCount;
    private readonly ITrainingEngine _engine;
    private readonly ParameterLayout _layout;
    private readonly string _directory;
    private readonly BatchSampler _batches;
    private readonly OptimizerState _state; // checkpoint staging, reused
    private readonly List<string> _metricsRows; // metrics.csv so far: saved with every checkpoint
    private long _step;
    private double _trainSeconds;
    private IntervalSums _interval;

    /// <param name="engine">Makes the engine that computes each step; the trainer owns (and disposes) what it makes.</param>
    /// <param name="resume">A checkpoint to continue from (its config must equal <paramref name="config"/>), or null to start afresh.</param>
    public Trainer(VaeConfig config, TrainingOptions options, MnistSplit train, MnistSplit test, EngineFactory engine,
        string directory, TrainingCheckpoint? resume = null)
    {
        _config = config.Validate();
        _options = options.Validate();
        _test = test;
        _trainCount = Math.Min(options.TrainSize ?? train.Count, train.Count);
        _batches = new BatchSampler(options.Seed, options.Batches, options.BatchSize, _trainCount);
        _directory = directory;
        _layout = new ParameterLayout(config);
        _state = new OptimizerState(_layout.Count);
        if (resume is null)
        {
            _layout.Initialize(options.Seed).CopyTo(_state.Parameters);
            _metricsRows = [];
            _interval = IntervalSums.StartingAt(0);
        }
        else
        {
            resume.Parameters.CopyTo(_state.Parameters);
            resume.FirstMoment.CopyTo(_state.FirstMoment);
            resume.SecondMoment.CopyTo(_state.SecondMoment);
            _state.AdamStep = resume.AdamStep;
            _step = resume.Step;
            _trainSeconds = resume.TrainSeconds;
            _metricsRows = [.. resume.MetricsRows];
            _interval = resume.Interval;
        }
        _engine = engine(_config, _options, train);
        _engine.Load(_state);
    }

    public int StepsPerEpoch => _batches.StepsPerEpoch;

    public long TotalSteps => _options.Steps ?? (long)_options.Epochs * StepsPerEpoch;

    public long Step => _step;

    /// <summary>Trains until the step budget is spent, or until <paramref name="cancellation"/> fires (then it checkpoints first).</summary>
    public TrainingOutcome Run(ITrainingObserver observer, CancellationToken cancellation = default)
    {
        int batch = _options.BatchSize, d = _config.Latent;
        long evalEvery = _options.EvalEvery ?? StepsPerEpoch;
        observer.Started(new TrainingPlan(_engine.Description, _step, TotalSteps, StepsPerEpoch, _trainCount, _test.Count, _layout.Count));

        var eps = new float[batch * d];
        var clock = Stopwatch.StartNew();

        while (_step < TotalSteps)
        {
            long epoch = _step / StepsPerEpoch;
            var images = _batches.Images(_step);
            int rows = images.Length;
            long stepStart = Stopwatch.GetTimestamp();

            Rng.For(_options.Seed, RngStream.Noise, _step).FillGaussian(eps.AsSpan(0, rows * d));
            var metrics = Metrics(_engine.Step(images, draw: _step, eps.AsSpan(0, rows * d)), rows);
            // The step has already updated the weights in memory; what matters is that no checkpoint takes them.
            if (!double.IsFinite(metrics.Loss))
                throw new TrainingDivergedException(
                    $"the loss became {metrics.Loss} at step {_step} (epoch {epoch + 1}): training diverged; try a lower learning rate. " +
                    $"The last checkpoint in {_directory} is untouched.");
            _step++;
            _trainSeconds += Stopwatch.GetElapsedTime(stepStart).TotalSeconds;
            _interval = _interval.Add(metrics);
            observer.Stepped(metrics);

            bool evaluate = _step == TotalSteps || _step % evalEvery == 0;
            if (evaluate)
            {
                var test = Evaluator.Elbo(_test, _config, _engine.Score);
                var evaluation = new EvaluationMetrics(_step, (double)_step / StepsPerEpoch,
                    _interval.MeanLoss, _interval.MeanReconstruction, _interval.MeanKl, test,
                    _interval.Steps, _trainSeconds - _interval.StartTrainSeconds, _trainSeconds, clock.Elapsed.TotalSeconds);
                _metricsRows.Add(MetricsLog.Row(evaluation));
                _interval = IntervalSums.StartingAt(_trainSeconds);
                Save(test);
                observer.Saved(_directory, _step);
                observer.Evaluated(evaluation);
            }
            if (cancellation.IsCancellationRequested && _step < TotalSteps)
            {
                if (!evaluate)
                {
                    Save(lastTest: null);
                    observer.Saved(_directory, _step);
                }
                return TrainingOutcome.Interrupted;
            }
        }
        return TrainingOutcome.Completed;
    }

    private StepMetrics Metrics(BatchTerms sums, int rows)
    {
        double recon = sums.LogLikelihood / rows, kl = sums.Kl / rows;
        return new StepMetrics(_step, ElboLoss.Loss(sums.LogLikelihood, sums.Kl, rows, _config.Beta), recon, kl);
    }

    private void Save(ElboTotals? lastTest)
    {
        _engine.Save(_state);
        CheckpointStore.Save(_directory, new TrainingCheckpoint(_config, _options, _step, (double)_step / StepsPerEpoch, _state.AdamStep, _layout,
            _state.Parameters, _state.FirstMoment, _state.SecondMoment, lastTest, _trainSeconds, _interval, _metricsRows));
    }

    public void Dispose() => _engine.Dispose();
}
