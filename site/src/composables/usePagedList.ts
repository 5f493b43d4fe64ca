/**
 * A paged list (docs/console.md: 10 rows by default, the paginator of ListPager): the rows of the
 * current page, the total, loading state and the calls a list page wires to its filters and
 * paginator. Answers of an older request never overwrite a newer one, and a page emptied by a
 * delete falls back to the last page that still has rows.
 */
import { ref, shallowRef, type Ref } from 'vue';
import { ElMessage } from 'element-plus';
import { errorMessage } from '../api/client';

export interface PageAnswer<T> {
  items: T[];
  total: number;
}

export interface Paging {
  page: number;
  pageSize: number;
}

export function usePagedList<T>(fetchPage: (paging: Paging) => Promise<PageAnswer<T>>, options: { pageSize?: number } = {}) {
  const rows: Ref<T[]> = shallowRef([]);
  const total = ref(0);
  const page = ref(1);
  const pageSize = ref(options.pageSize ?? 10);
  const loading = ref(false);
  let latest = 0;

  /** Loads the current page. */
  async function load(): Promise<void> {
    const request = ++latest;
    loading.value = true;
    try {
      const answer = await fetchPage({ page: page.value, pageSize: pageSize.value });
      if (request !== latest) return;
      if (answer.items.length === 0 && answer.total > 0 && page.value > 1) {
        page.value = Math.ceil(answer.total / pageSize.value);
        void load();
        return;
      }
      rows.value = answer.items;
      total.value = answer.total;
    } catch (error) {
      if (request !== latest) return;
      rows.value = [];
      total.value = 0;
      ElMessage.error(errorMessage(error));
    } finally {
      if (request === latest) loading.value = false;
    }
  }

  /** Back to the first page and load (a new search). */
  function search(): Promise<void> {
    page.value = 1;
    return load();
  }

  /** Forgets the rows (a closed drawer, a changed tier) without a request. */
  function clear(): void {
    latest += 1;
    rows.value = [];
    total.value = 0;
    page.value = 1;
    loading.value = false;
  }

  return { rows, total, page, pageSize, loading, load, search, clear };
}
