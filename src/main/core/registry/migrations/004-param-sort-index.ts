// Migration 4: params(key, num, text) so that sorting all runs by a param walks the index in order
// (it also serves every filter the (key, num) index served, which it replaces).
export const version = 4;
export const name = 'param-sort-index';
export const sql = `
CREATE INDEX params_key_num_text ON params(key, num, text);
DROP INDEX params_key_num;
`;
