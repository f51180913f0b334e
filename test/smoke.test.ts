import t from 'tap';
import { AppError } from '../src/errors.js';
t.test('AppError keeps its code', async (t) => {
  t.equal(new AppError('x', 400, 'y').code, 'x');
});
