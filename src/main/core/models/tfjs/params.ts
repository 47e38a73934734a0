import { z } from 'zod';

const common = {
  learning_rate: z.number().positive(),
  epochs: z.number().int().positive(),
  batch_size: z.number().int().positive(),
  /** Weight decay on kernels (not biases), Keras convention: loss += l2 · Σ w². */
  l2: z.number().nonnegative(),
  /** Epochs without a better validation log loss before stopping; 0 disables early stopping. */
  patience: z.number().int().nonnegative(),
  seed: z.number().int(),
};

export const logisticParamsSchema = z
  .object({
    learning_rate: common.learning_rate.default(0.05),
    epochs: common.epochs.default(50),
    batch_size: common.batch_size.default(256),
    l2: common.l2.default(0),
    patience: common.patience.default(5),
    seed: common.seed.default(42),
  })
  .strict();

export const mlpParamsSchema = z
  .object({
    hidden_units: z.array(z.number().int().positive()).min(1).default([32, 16]),
    dropout: z.number().min(0).lt(1).default(0),
    learning_rate: common.learning_rate.default(0.005),
    epochs: common.epochs.default(50),
    batch_size: common.batch_size.default(256),
    l2: common.l2.default(0),
    patience: common.patience.default(5),
    seed: common.seed.default(42),
  })
  .strict();

export type LogisticParams = z.output<typeof logisticParamsSchema>;
export type MlpParams = z.output<typeof mlpParamsSchema>;
