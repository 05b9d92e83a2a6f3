import { LinearPdqIndex } from './pdq-index.ts';
import { pdqIndexConformance } from './pdq-index.conformance.ts';

pdqIndexConformance('LinearPdqIndex', { create: () => new LinearPdqIndex() });
