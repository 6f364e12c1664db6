using System.Diagnostics;
using VaePipeline.Data;
using VaePipeline.Model;
using VaePipeline.Numerics;
using VaePipeline.Training.Checkpoints;
using VaePipeline.Training.Engine;
using VaePipeline.Training.Model;
using VaePipeline.Training.Optim;

namespace VaePipeline.Training.Loop;

public enum TrainingOutcome { Completed, Interrupted }

/// <summary>Training stopped on purpose: a non-finite loss. The last checkpoint on disk is left as it was.</summary>
public sealed class TrainingDivergedException(string message) : Exception(message);

/// <summary>
/// The training loop, in the order pytorch/examples' vae/main.py reads: shuffle, batch, forward, backward, Adam;
/// test ELBO and a checkpoint every epoch (or every <see cref="TrainingOptions.EvalEvery"/> steps).
/// All randomness is keyed by (seed, step), so the loop's whole state is the step counter plus the buffers.
/// </summary>
public sealed class Trainer
{
    private const int P = MnistSplit.PixelsPerImage;
    private readonly VaeConfig _config;
    private readonly TrainingOptions _options;
    private readonly MnistSplit _train, _test;
    private readonly int _trainCount;
    private readonly IBackend _backend;
    private readonly string _directory;
    private readonly Vae _model;
    private readonly Adam _adam;
    private readonly Evaluator _evaluator;
    private readonly PixelEncoder _pixels;
    private readonly BatchSampler _batches;
    private readonly float[] _hostParameters, _hostFirstMoment, _hostSecondMoment; // checkpoint staging, reused
    private readonly List<string> _metricsRows; // metrics.csv so far: saved with every checkpoint
    private long _step;
    private double _trainSeconds;
    private IntervalSums _interval;

    /// <param name="resume">A checkpoint to continue from (its config must equal <paramref name="config"/>), or null to start afresh.</param>
    public Trainer(VaeConfig config, TrainingOptions options, MnistSplit train, MnistSplit test, IBackend backend,
        string directory, TrainingCheckpoint? resume = null)
    {
        _config = config.Validate();
        _options = options.Validate();
        _train = train;
        _test = test;
        _trainCount = Math.Min(options.TrainSize ?? train.Count, train.Count);
        _batches = new BatchSampler(options.Seed, options.Batches, options.BatchSize, _trainCount);
        _backend = backend;
        _directory = directory;
        _model = new Vae(config, backend, options.BatchSize);
        _adam = new Adam(backend, _model.Layout.Count, options.Adam);
        _evaluator = new Evaluator(_model, backend);
        _pixels = new PixelEncoder(config.Binarization, options.Seed);
        _hostParameters = new float[_model.Layout.Count];
        _hostFirstMoment = new float[_model.Layout.Count];
        _hostSecondMoment = new float[_model.Layout.Count];
        if (resume is null)
        {
            backend.Upload(_model.Layout.Initialize(options.Seed), _model.Parameters);
            _metricsRows = [];
            _interval = IntervalSums.StartingAt(0);
        }
        else
        {
            backend.Upload(resume.Parameters, _model.Parameters);
            backend.Upload(resume.FirstMoment, _adam.FirstMoment);
            backend.Upload(resume.SecondMoment, _adam.SecondMoment);
            _adam.Step = resume.AdamStep;
            _step = resume.Step;
            _trainSeconds = resume.TrainSeconds;
            _metricsRows = [.. resume.MetricsRows];
            _interval = resume.Interval;
        }
    }

    public int StepsPerEpoch => _batches.StepsPerEpoch;

    public long TotalSteps => _options.Steps ?? (long)_options.Epochs * StepsPerEpoch;

    public long Step => _step;

    /// <summary>Trains until the step budget is spent, or until <paramref name="cancellation"/> fires (then it checkpoints first).</summary>
    public TrainingOutcome Run(ITrainingObserver observer, CancellationToken cancellation = default)
    {
        int batch = _options.BatchSize, d = _config.Latent;
        long evalEvery = _options.EvalEvery ?? StepsPerEpoch;
        observer.Started(new TrainingPlan(_backend.Description, _step, TotalSteps, StepsPerEpoch, _trainCount, _test.Count, _model.Layout.Count));

        var x = new float[batch * P];
        var eps = new float[batch * d];
        var logLik = new float[batch];
        var kl = new float[batch];
        var clock = Stopwatch.StartNew();

        while (_step < TotalSteps)
        {
            long epoch = _step / StepsPerEpoch;
            var images = _batches.Images(_step);
            int rows = images.Length;
            long stepStart = Stopwatch.GetTimestamp();

            _pixels.Fill(_train, images, draw: _step, x);
            Rng.For(_options.Seed, RngStream.Noise, _step).FillGaussian(eps.AsSpan(0, rows * d));
            _backend.Upload(x.AsSpan(0, rows * P), _model.Input.Sub(0, rows * P));
            _backend.Upload(eps.AsSpan(0, rows * d), _model.Noise.Sub(0, rows * d));
            _model.Forward(rows, withGradient: true);
            var metrics = BatchMetrics(rows, logLik, kl);
            if (!double.IsFinite(metrics.Loss))
                throw new TrainingDivergedException(
                    $"the loss became {metrics.Loss} at step {_step} (epoch {epoch + 1}): training diverged; try a lower learning rate. " +
                    $"The last checkpoint in {_directory} is untouched.");
            _model.Backward(rows);
            _adam.Update(_model.Parameters, _model.Gradients);
            _step++;
            _trainSeconds += Stopwatch.GetElapsedTime(stepStart).TotalSeconds;
            _interval = _interval.Add(metrics);
            observer.Stepped(metrics);

            bool evaluate = _step == TotalSteps || _step % evalEvery == 0;
            if (evaluate)
            {
                var test = _evaluator.Elbo(_test);
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

    private StepMetrics BatchMetrics(int rows, float[] logLik, float[] kl)
    {
        _backend.Download(_model.LogLikelihoodPerRow, logLik.AsSpan(0, rows));
        _backend.Download(_model.KlPerRow, kl.AsSpan(0, rows));
        double recon = 0, klSum = 0;
        for (int r = 0; r < rows; r++) { recon += logLik[r]; klSum += kl[r]; }
        recon /= rows;
        klSum /= rows;
        return new StepMetrics(_step, -(recon - _config.Beta * klSum), recon, klSum);
    }

    private void Save(ElboTotals? lastTest)
    {
        _backend.Download(_model.Parameters, _hostParameters);
        _backend.Download(_adam.FirstMoment, _hostFirstMoment);
        _backend.Download(_adam.SecondMoment, _hostSecondMoment);
        CheckpointStore.Save(_directory, new TrainingCheckpoint(_config, _options, _step, (double)_step / StepsPerEpoch, _adam.Step, _model.Layout,
            _hostParameters, _hostFirstMoment, _hostSecondMoment, lastTest, _trainSeconds, _interval, _metricsRows));
    }
}
